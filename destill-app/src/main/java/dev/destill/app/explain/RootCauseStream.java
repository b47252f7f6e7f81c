package dev.destill.app.explain;

import java.util.function.Consumer;

/**
 * Pulls the text of the {@code root_cause} field out of a JSON answer as it streams in, so a
 * terminal can show the cause while the rest arrives. Not thread-safe.
 */
public final class RootCauseStream implements Consumer<String> {
  private static final String FIELD = "\"root_cause\"";
  private final StringBuilder seen = new StringBuilder();
  private final Consumer<String> out;
  private int state; // 0 before the value, 1 inside it, 2 done
  private int pos;
  private boolean escape;

  public RootCauseStream(Consumer<String> out) {
    this.out = out;
  }

  @Override
  public void accept(String delta) {
    if (state == 2 || seen.length() > 64 * 1024) {
      return;
    }
    seen.append(delta);
    if (state == 0) {
      int at = seen.indexOf(FIELD);
      if (at < 0) {
        return;
      }
      int i = at + FIELD.length();
      while (i < seen.length()
          && (Character.isWhitespace(seen.charAt(i)) || seen.charAt(i) == ':')) {
        i++;
      }
      if (i >= seen.length() || seen.charAt(i) != '"') {
        return;
      }
      state = 1;
      pos = i + 1;
    }
    StringBuilder chunk = new StringBuilder();
    while (pos < seen.length()) {
      char c = seen.charAt(pos++);
      if (escape) {
        chunk.append(c == 'n' ? ' ' : c == 't' ? ' ' : c);
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        state = 2;
        break;
      } else {
        chunk.append(c);
      }
    }
    if (!chunk.isEmpty()) {
      out.accept(chunk.toString());
    }
  }

  /** True once the whole root cause has streamed. */
  public boolean done() {
    return state == 2;
  }
}
