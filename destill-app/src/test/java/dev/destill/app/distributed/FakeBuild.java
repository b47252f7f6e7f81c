package dev.destill.app.distributed;

import dev.destill.provider.FakeCiServer;
import dev.destill.provider.FakeCiServer.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A failed Buildkite build served by a {@link FakeCiServer}: a failed job whose generated log is
 * {@code logBytes} long with errors planted at known lines, a passing job with a short log, and a
 * JUnit report with one failed test attached to the failed job.
 */
public record FakeBuild(int number, byte[] log, List<Planted> planted) {
  public static final String FAILED_JOB_NAME = ":java: ledger tests";
  static final String PASSED_JOB_NAME = ":eslint: lint";
  static final String FAILED_TEST = "shouldBalanceEveryShard";

  /** An error line of the failed job's log: its 1-based line number and text. */
  public record Planted(long line, String text) {}

  /** The web URL that {@code destill submit} and {@code destill analyze} take. */
  public String url() {
    return "https://buildkite.com/acme/shop/builds/" + number;
  }

  /** The build id the Buildkite provider gives this build, which keys its log chunks. */
  public String buildId() {
    return "buildkite:acme/shop/" + number;
  }

  /**
   * Generates the build: about {@code logBytes} of build output with {@code errors} error lines
   * spread evenly through it, the same for the same number.
   */
  public static FakeBuild generate(int number, int logBytes, int errors) {
    Random random = new Random(number);
    int approxLines = logBytes / 100;
    int every = Math.max(2, approxLines / (errors + 1));
    ByteArrayOutputStream out = new ByteArrayOutputStream(logBytes + 4096);
    List<Planted> planted = new ArrayList<>();
    long line = 0;
    while (out.size() < logBytes || planted.size() < errors) {
      line++;
      String text;
      if (line % every == 0 && planted.size() < errors) {
        text = error(number, planted.size());
        planted.add(new Planted(line, text));
      } else {
        text =
            String.format(
                "2026-03-14T09:%02d:%02d.%07dZ [INFO] Compiling %d source files to"
                    + " /work/target/classes (module-%d)",
                (line / 60) % 60, line % 60, line % 10_000_000, 1 + random.nextInt(400), line % 97);
      }
      out.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
    // The last line says the job failed, after the last planted error.
    out.writeBytes("Process completed with exit code 1.\n".getBytes(StandardCharsets.UTF_8));
    return new FakeBuild(number, out.toByteArray(), List.copyOf(planted));
  }

  // Distinct words, so that no two planted errors normalize to the same finding hash.
  private static final String[] NAMES = {
    "Ledger",
    "Invoice",
    "Payment",
    "Account",
    "Shipment",
    "Refund",
    "Voucher",
    "Basket",
    "Tariff",
    "Pricing",
    "Coupon",
    "Wallet"
  };

  private static String error(int build, int k) {
    String name = NAMES[k % NAMES.length];
    return switch (k % 3) {
      case 0 ->
          "[ERROR] /work/src/main/java/com/acme/shop/"
              + name
              + "Service.java:["
              + (k + 7)
              + ",8] cannot find symbol "
              + name.toLowerCase(java.util.Locale.ROOT)
              + "Total (build "
              + build
              + ")";
      case 1 ->
          "FATAL: "
              + name.toLowerCase(java.util.Locale.ROOT)
              + " migration failed for build "
              + build;
      default -> "java.lang.IllegalStateException: " + name + " balance mismatch in build " + build;
    };
  }

  static String failedJobId(int number) {
    return String.format("0190a1b2-0000-4000-8000-%012d", number * 10L + 1);
  }

  static String passedJobId(int number) {
    return String.format("0190a1b2-0000-4000-8000-%012d", number * 10L + 2);
  }

  /** Serves this build on {@code api}, whose base URL + {@code /v2} is BUILDKITE_API_URL. */
  public void serve(FakeCiServer api) {
    serve(api, FAILED_JOB_NAME, Reply.bytes(log));
  }

  /** The path of the failed job's log on the fake API. */
  public String logPath() {
    return "/v2/organizations/acme/pipelines/shop/builds/"
        + number
        + "/jobs/"
        + failedJobId(number)
        + "/log.txt";
  }

  /**
   * Serves this build with the failed job named {@code failedJobName} as it appears in the API's
   * JSON (escapes included) and its log as {@code logReply}.
   */
  public void serve(FakeCiServer api, String failedJobName, Reply logReply) {
    String build = "/v2/organizations/acme/pipelines/shop/builds/" + number;
    String failed = failedJobId(number);
    String passed = passedJobId(number);
    api.on(
        build,
        Reply.json(
            """
            {"id":"build-%d","web_url":"%s","number":%d,"state":"failed",
             "message":"Apply discounts","branch":"main",
             "jobs":[
               {"id":"%s","type":"script","name":"%s","state":"failed","exit_status":1},
               {"id":"%s","type":"script","name":"%s","state":"passed","exit_status":0}],
             "pipeline":{"name":"shop","slug":"shop"}}"""
                .formatted(number, url(), number, failed, failedJobName, passed, PASSED_JOB_NAME)));
    api.on(build + "/jobs/" + failed + "/log.txt", logReply);
    api.on(
        build + "/jobs/" + passed + "/log.txt",
        Reply.text("yarn run v1.22.19\n$ eslint src\nDone in 4.21s.\n"));
    api.on(
        build + "/artifacts?per_page=100",
        Reply.json(
            """
            [{"id":"a1","job_id":"%s","path":"reports/junit.xml","file_size":400}]"""
                .formatted(failed)));
    api.on(
        build + "/jobs/" + failed + "/artifacts/a1/download",
        Reply.text(
            """
            <testsuite name="com.acme.ledger.LedgerTest" tests="2" failures="1">
              <testcase classname="com.acme.ledger.LedgerTest" name="%s">
                <failure message="expected 100 but was 99">java.lang.AssertionError: expected 100 but was 99
                at com.acme.ledger.LedgerTest.%s(LedgerTest.java:42)</failure>
              </testcase>
              <testcase classname="com.acme.ledger.LedgerTest" name="shouldOpenAnAccount"/>
            </testsuite>"""
                .formatted(FAILED_TEST, FAILED_TEST)));
  }
}
