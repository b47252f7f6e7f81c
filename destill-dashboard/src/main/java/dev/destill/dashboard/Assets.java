package dev.destill.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The files the pages load, read once from the class path: the WebJars of htmx, its SSE extension
 * and uPlot (with their licenses), and the dashboard's own script and style sheet. Only these names
 * are served; nothing else on the class path can be asked for. Thread-safe (immutable).
 */
final class Assets {
  /** One served file. */
  record Asset(String contentType, byte[] bytes) {}

  private final Map<String, Asset> byName;

  private Assets(Map<String, Asset> byName) {
    this.byName = Map.copyOf(byName);
  }

  static Assets load() {
    String htmx = "META-INF/resources/webjars/htmx.org/" + version("htmx.org") + "/";
    String sse = "META-INF/resources/webjars/htmx-ext-sse/" + version("htmx-ext-sse") + "/";
    String uplot = "META-INF/resources/webjars/uplot/" + version("uplot") + "/";
    Map<String, Asset> m = new LinkedHashMap<>();
    m.put("htmx.min.js", js(htmx + "dist/htmx.min.js"));
    m.put("sse.js", js(sse + "sse.js"));
    m.put("uPlot.iife.min.js", js(uplot + "dist/uPlot.iife.min.js"));
    m.put(
        "uPlot.min.css", new Asset("text/css; charset=utf-8", read(uplot + "dist/uPlot.min.css")));
    m.put("dashboard.js", js("destill-dashboard/dashboard.js"));
    m.put(
        "dashboard.css",
        new Asset("text/css; charset=utf-8", read("destill-dashboard/dashboard.css")));
    m.put("LICENSE-htmx.txt", txt(htmx + "LICENSE"));
    m.put("LICENSE-htmx-ext-sse.txt", txt(sse + "LICENSE"));
    m.put("LICENSE-uplot.txt", txt(uplot + "LICENSE"));
    return new Assets(m);
  }

  Optional<Asset> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The version of a WebJar on the class path, from its Maven properties. */
  static String version(String artifact) {
    String path = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    Properties p = new Properties();
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the build lacks the WebJar " + artifact);
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static Asset js(String path) {
    return new Asset("text/javascript; charset=utf-8", read(path));
  }

  private static Asset txt(String path) {
    return new Asset("text/plain; charset=utf-8", read(path));
  }

  private static byte[] read(String path) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the build lacks " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
