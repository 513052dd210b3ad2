package io.gatun.forwarder.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The counter names the data plane declares (forwarder-native/src/counters.h), so fake counters in
 * tests can only use names a real data plane reports.
 */
public final class DeclaredCounters {
  private static final Path HEADER = Path.of("..", "forwarder-native", "src", "counters.h");
  private static final Pattern EVENT = Pattern.compile("X\\(\\w+,\\s*\"(\\w+)\"\\)");

  private DeclaredCounters() {}

  /** Every name, drop reasons with their {@code drop_} prefix as gfwd_counter_name gives them. */
  public static Set<String> names() {
    String header;
    try {
      header = Files.readString(HEADER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int drops = header.indexOf("#define GFWD_DROPS");
    Set<String> names = new TreeSet<>();
    Matcher m = EVENT.matcher(header);
    while (m.find()) {
      names.add((m.start() > drops ? "drop_" : "") + m.group(1));
    }
    return names;
  }

  /** The values as given, once every name is checked against the header. */
  public static Map<String, Long> of(Map<String, Long> values) {
    Set<String> declared = names();
    for (String name : values.keySet()) {
      if (!declared.contains(name)) {
        throw new IllegalArgumentException(
            "the data plane declares no counter " + name + " (counters.h): " + declared);
      }
    }
    return values;
  }
}
