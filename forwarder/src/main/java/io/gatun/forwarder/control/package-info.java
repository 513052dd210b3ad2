/**
 * The agent's side of the control channel, mirroring the operator's {@code control} package: {@link
 * io.gatun.forwarder.control.ControlChannel} dials the operator, hands every snapshot to the
 * serving side and acknowledges it, and redials with backoff; {@link
 * io.gatun.forwarder.control.ControlTransport} is how it reaches the operator (mutual TLS or
 * plaintext); {@link io.gatun.forwarder.control.AgentReports} is what it says upstream (Hello,
 * observations, health).
 */
package io.gatun.forwarder.control;
