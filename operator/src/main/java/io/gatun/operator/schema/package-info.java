/**
 * The generated CRDs, read back at run time: their defaults and their CEL rules ({@code
 * x-kubernetes-validations}) evaluated with Google's CEL for Java, so servers that ignore them
 * (Kubernetes before 1.25) still see them enforced, by the operator, with the same messages. The
 * rules live in the Java model only; nothing here copies them. {@link
 * io.gatun.operator.schema.Validation} is what checking a spec found, whatever its kind.
 */
package io.gatun.operator.schema;
