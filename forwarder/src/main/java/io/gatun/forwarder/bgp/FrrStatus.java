package io.gatun.forwarder.bgp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gatun.control.v1.BgpSession;
import io.gatun.forwarder.bgp.BgpPlan.Neighbor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FRR's own account of the sessions ({@code show bgp neighbors json}, {@code show bfd peers json},
 * FRR 8.4 field names) as the observation's {@link BgpSession}s, one per neighbour of the plan, in
 * the plan's order. A neighbour FRR does not know (not configured yet) is reported as such; the
 * reason a session is down is FRR's (the last NOTIFICATION, else the last reset).
 */
public final class FrrStatus {
  private FrrStatus() {}

  /**
   * @param md5Failures TCP segments the kernel dropped for a missing or wrong TCP MD5 signature
   *     since the last reading: FRR never sees them, so a password mismatch shows only there
   */
  public static List<BgpSession> sessions(
      BgpPlan plan, String neighborsJson, String bfdJson, boolean md5Failures) {
    JsonObject neighbors = object(neighborsJson);
    Map<String, String> bfd = bfdStates(bfdJson);
    List<BgpSession> out = new ArrayList<>();
    for (Neighbor n : plan.neighbors()) {
      BgpSession.Builder s =
          BgpSession.newBuilder()
              .setPeer(n.text())
              .setPeerAsn((int) n.asn())
              .addAllPools(n.pools());
      n.bfd().ifPresent(t -> s.setBfdState(bfd.getOrDefault(n.text(), "down")));
      JsonElement e = neighbors.get(n.text());
      if (e == null || !e.isJsonObject()) {
        out.add(s.setState("Unknown").setLastError("FRR does not have this neighbour yet").build());
        continue;
      }
      JsonObject o = e.getAsJsonObject();
      String state = string(o, "bgpState");
      boolean established = "Established".equals(state);
      s.setState(state).setEstablished(established);
      JsonObject stats = o.getAsJsonObject("messageStats");
      if (stats != null) {
        s.setUpdatesSent(number(stats, "updatesSent"))
            .setUpdatesReceived(number(stats, "updatesRecv"));
      }
      JsonObject families = o.getAsJsonObject("addressFamilyInfo");
      long sent = 0;
      if (families != null) {
        for (var f : families.entrySet()) {
          if (f.getValue().isJsonObject()) {
            sent += number(f.getValue().getAsJsonObject(), "sentPrefixCounter");
          }
        }
      }
      s.setPrefixesAdvertised((int) sent);
      if (established) {
        s.setEstablishedSinceUnixMillis(number(o, "bgpTimerUpEstablishedEpoch") * 1000);
      } else {
        s.setLastError(why(o, n, md5Failures));
      }
      out.add(s.build());
    }
    for (var p : plan.problems().entrySet()) {
      if (p.getKey().startsWith("neighbor ")) {
        out.add(
            BgpSession.newBuilder()
                .setPeer(p.getKey().substring("neighbor ".length()))
                .setState("Refused")
                .setLastError("not configured: " + p.getValue())
                .build());
      }
    }
    return out;
  }

  private static String why(JsonObject o, Neighbor n, boolean md5Failures) {
    String notification = string(o, "lastNotificationReason").replace("\\/", "/");
    String reset = string(o, "lastResetDueTo");
    String reason = !notification.isEmpty() ? notification : reset;
    if (md5Failures && !n.password().isEmpty()) {
      return "TCP MD5 authentication failed: the peer's password differs (the kernel drops its"
          + " segments)"
          + (reason.isEmpty() ? "" : "; FRR: " + reason);
    }
    if (reason.isEmpty() || "Waiting for peer OPEN".equals(reason)) {
      return "no BGP session: the peer does not answer on TCP "
          + n.port()
          + (n.password().isEmpty() ? "" : " (or its TCP MD5 password differs)");
    }
    return reason;
  }

  /** Peer address to BFD state ("up", "down", "init", "adminDown"). */
  static Map<String, String> bfdStates(String json) {
    Map<String, String> out = new HashMap<>();
    JsonElement e = parse(json);
    if (e != null && e.isJsonArray()) {
      for (JsonElement p : (JsonArray) e) {
        if (p.isJsonObject()) {
          out.put(string(p.getAsJsonObject(), "peer"), string(p.getAsJsonObject(), "status"));
        }
      }
    }
    return out;
  }

  private static JsonObject object(String json) {
    JsonElement e = parse(json);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
  }

  private static JsonElement parse(String json) {
    try {
      return JsonParser.parseString(json == null || json.isBlank() ? "{}" : json);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String string(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
  }

  private static long number(JsonObject o, String field) {
    JsonElement e = o.get(field);
    try {
      return e != null && e.isJsonPrimitive() ? e.getAsLong() : 0;
    } catch (NumberFormatException x) {
      return 0;
    }
  }
}
