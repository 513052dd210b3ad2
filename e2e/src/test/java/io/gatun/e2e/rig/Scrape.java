package io.gatun.e2e.rig;

import io.gatun.forwarder.testing.Await;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text exposition, parsed enough to look samples up by name and labels. */
public record Scrape(String text) {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The value of the sample with this name whose labels include all of {@code labels}. */
  public double value(String name, Map<String, String> labels) {
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(name) && labels(m.group(2)).entrySet().containsAll(labels.entrySet())) {
        return Double.parseDouble(m.group(3));
      }
    }
    throw new AssertionError("no sample " + name + labels + " in:\n" + text);
  }

  /**
   * Scrapes until the sample with this name and labels has {@code value}; the last scrape on
   * failure.
   */
  public static void await(
      Supplier<String> scrape,
      String name,
      Map<String, String> labels,
      double value,
      Duration within) {
    String[] last = {""};
    Await.until(
        () -> {
          last[0] = scrape.get();
          try {
            return new Scrape(last[0]).value(name, labels) == value;
          } catch (AssertionError noSuchSampleYet) {
            return false;
          }
        },
        within,
        () -> name + labels + " is not " + value + ":\n" + last[0]);
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text != null) {
      Matcher m = LABEL.matcher(text);
      while (m.find()) {
        labels.put(m.group(1), m.group(2));
      }
    }
    return labels;
  }

  /** The samples named {@code name} that are not zero, as lines: for a failure's story. */
  public String nonZero(String name) {
    return text.lines().filter(l -> l.startsWith(name) && !l.endsWith(" 0.0")).toList().toString();
  }
}
