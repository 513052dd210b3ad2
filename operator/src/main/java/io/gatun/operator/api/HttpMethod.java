package io.gatun.operator.api;

/** HTTP methods a probe may use. */
public enum HttpMethod {
  GET,
  HEAD,
  POST,
  PUT,
  OPTIONS
}
