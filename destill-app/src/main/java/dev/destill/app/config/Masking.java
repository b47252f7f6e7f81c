package dev.destill.app.config;

import java.util.regex.Pattern;

/** How secrets are shown: never their value, only that they are there. */
public final class Masking {
  private static final Pattern USER_INFO = Pattern.compile("(://[^/:@]*):[^@/]*@");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;]password=)[^&;]*");

  private Masking() {}

  /** A token as its length only: {@code set (40 characters)}. */
  public static String secret(String value) {
    return "set (" + value.length() + " characters, masked)";
  }

  /** A URL with the password of its user info and of a {@code password=} parameter masked. */
  public static String url(String value) {
    String v = USER_INFO.matcher(value).replaceAll("$1:***@");
    return PASSWORD_PARAM.matcher(v).replaceAll("$1***");
  }
}
