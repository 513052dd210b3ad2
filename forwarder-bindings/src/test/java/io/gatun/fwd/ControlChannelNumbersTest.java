package io.gatun.fwd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ProtocolMessageEnum;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every enum of the control channel that reaches C has gatunfwd.h's numbers, under the same names,
 * so the agent hands a number from the wire to C as it is: no mapping to keep in step.
 */
class ControlChannelNumbersTest {

  @Test
  void protocolsAreIanaNumbersAsInGfwdProto() {
    assertSame(io.gatun.control.v1.Protocol.values(), Protocol.values());
    assertThat(io.gatun.control.v1.Protocol.TCP.getNumber()).isEqualTo(6);
  }

  @Test
  void familiesAreGfwdFamilies() {
    assertThat(io.gatun.control.v1.Family.IPV4.getNumber())
        .isEqualTo(io.gatun.fwd.raw.GatunFwd.AF_INET);
    assertThat(io.gatun.control.v1.Family.IPV6.getNumber())
        .isEqualTo(io.gatun.fwd.raw.GatunFwd.AF_INET6);
  }

  @Test
  void forwardingModesAreGfwdModes() {
    assertSame(io.gatun.control.v1.ForwardingMode.values(), ForwardingMode.values());
  }

  @Test
  void schedulingsAreGfwdScheds() {
    assertSame(io.gatun.control.v1.Scheduling.values(), Scheduling.values());
  }

  /** The proto's values, less UNSPECIFIED and UNRECOGNIZED, are the C enum's, name for number. */
  private static <P extends Enum<P> & ProtocolMessageEnum> void assertSame(
      P[] proto, NativeCode[] c) {
    Map<String, Integer> wire =
        Arrays.stream(proto)
            .filter(p -> !p.name().endsWith("UNSPECIFIED") && !p.name().equals("UNRECOGNIZED"))
            .collect(
                Collectors.toMap(
                    Enum::name, ProtocolMessageEnum::getNumber, (a, b) -> a, TreeMap::new));
    Map<String, Integer> native_ =
        Arrays.stream(c)
            .collect(
                Collectors.toMap(
                    n -> ((Enum<?>) n).name(), NativeCode::code, (a, b) -> a, TreeMap::new));
    assertThat(wire).isNotEmpty().isEqualTo(native_);
  }
}
