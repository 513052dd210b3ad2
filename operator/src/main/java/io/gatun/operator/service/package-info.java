/**
 * Services of type LoadBalancer of Gatun's class: each gets a LoadBalancer generated from it, a
 * JOSDK dependent resource ({@link io.gatun.operator.service.GeneratedLoadBalancer}) kept while the
 * Service is {@link io.gatun.operator.service.OfGatunsClass}, and its ingress shows that
 * LoadBalancer's addresses. Services of other classes are never written.
 */
package io.gatun.operator.service;
