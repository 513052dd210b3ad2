/**
 * The control channel's TLS material when nobody provided it: a CA, the operator's server
 * certificate and the forwarders' client certificate, made with the JDK alone ({@link
 * io.gatun.operator.tls.Certificates}) and kept in Secrets ({@link
 * io.gatun.operator.tls.ControlChannelSecrets}).
 */
package io.gatun.operator.tls;
