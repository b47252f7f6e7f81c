package dev.destill.core.junit;

import dev.destill.core.engine.Hashing;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Normalizer;
import dev.destill.core.engine.Secrets;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import dev.destill.core.model.TestCase;
import dev.destill.core.provider.TestReport;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads JUnit XML reports (Surefire, Gradle, pytest, Jest, go-junit-report, nested suites) and
 * turns each {@code <failure>} or {@code <error>} into a finding of confidence 1.0, hashed on
 * {@code class::test::message}. Parsing is safe: no DTDs, no external entities, no entity
 * expansion, bounded size and depth. Thread-safe.
 */
public final class JUnitParser {
  /** Reports larger than this are skipped with a warning. */
  public static final int MAX_REPORT_BYTES = 64 * 1024 * 1024;

  private static final int MAX_DEPTH = 64;
  private static final int MAX_BODY_CHARS = 64 * 1024;

  /** Failures kept per report; the rest are counted in a warning. */
  public static final int MAX_FINDINGS = 2000;

  /** The most characters of a failure's {@code message} attribute that are kept. */
  public static final int MAX_MESSAGE_CHARS = 64 * 1024;

  private JUnitParser() {}

  /** Parses one report of job {@code job}; never throws on bad input, it warns instead. */
  public static JUnitResult parse(String job, TestReport report) {
    byte[] content = report.content();
    List<String> warnings = new ArrayList<>();
    if (content.length > MAX_REPORT_BYTES) {
      warnings.add(
          "skipped test report "
              + report.name()
              + ": larger than "
              + (MAX_REPORT_BYTES >> 20)
              + " MB");
      return new JUnitResult(List.of(), 0, warnings);
    }
    List<Finding> findings = new ArrayList<>();
    int cases = 0;
    int failures = 0;
    int longMessages = 0;
    XMLStreamReader r = null;
    try {
      // Decoding here (invalid bytes become U+FFFD) keeps the JDK parser from printing its own
      // "[Fatal Error]" lines to stderr on bad encodings.
      r =
          factory()
              .createXMLStreamReader(
                  new InputStreamReader(
                      new ByteArrayInputStream(content),
                      StandardCharsets.UTF_8
                          .newDecoder()
                          .onMalformedInput(CodingErrorAction.REPLACE)
                          .onUnmappableCharacter(CodingErrorAction.REPLACE)));
      int depth = 0;
      String suiteFile = "";
      List<String> suiteNames = new ArrayList<>();
      String caseName = null;
      String caseClass = "";
      String caseFile = "";
      String kind = null;
      String message = "";
      String type = "";
      StringBuilder body = new StringBuilder();
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.DTD) {
          throw new XMLStreamException("DTDs are not allowed in test reports");
        }
        if (ev == XMLStreamConstants.START_ELEMENT) {
          if (++depth > MAX_DEPTH) {
            throw new XMLStreamException("nesting deeper than " + MAX_DEPTH);
          }
          String name = r.getLocalName();
          if (name.equals("testsuite")) {
            suiteNames.add(attr(r, "name"));
            if (!attr(r, "file").isEmpty()) {
              suiteFile = attr(r, "file");
            }
          } else if (name.equals("testcase")) {
            cases++;
            caseName = attr(r, "name");
            caseClass = attr(r, "classname");
            if (caseClass.isEmpty() && !suiteNames.isEmpty()) {
              caseClass = suiteNames.get(suiteNames.size() - 1);
            }
            caseFile = attr(r, "file");
            if (caseFile.isEmpty()) {
              caseFile = suiteFile;
            }
          } else if (caseName != null && (name.equals("failure") || name.equals("error"))) {
            kind = name;
            message = attr(r, "message");
            if (message.length() > MAX_MESSAGE_CHARS) {
              // A huge message must not sink the finding: it is cut, and the report says so.
              message = message.substring(0, MAX_MESSAGE_CHARS);
              longMessages++;
            }
            type = attr(r, "type");
            body.setLength(0);
          }
        } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
          if (kind != null && body.length() < MAX_BODY_CHARS) {
            int room = MAX_BODY_CHARS - body.length();
            body.append(r.getTextCharacters(), r.getTextStart(), Math.min(room, r.getTextLength()));
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          depth--;
          String name = r.getLocalName();
          if (kind != null && name.equals(kind)) {
            failures++;
            if (findings.size() < MAX_FINDINGS) {
              findings.add(
                  finding(
                      job,
                      report.name(),
                      caseName,
                      caseClass,
                      caseFile,
                      kind,
                      type,
                      message,
                      body.toString()));
            }
            kind = null;
          } else if (name.equals("testcase")) {
            caseName = null;
          } else if (name.equals("testsuite") && !suiteNames.isEmpty()) {
            suiteNames.remove(suiteNames.size() - 1);
          }
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      String why =
          e.getMessage() == null
              ? e.getClass().getSimpleName()
              : e.getMessage().lines().findFirst().orElse("");
      warnings.add(
          "test report "
              + report.name()
              + " is not valid JUnit XML ("
              + why
              + "); "
              + findings.size()
              + " failures read before the error");
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // Nothing to release beyond the in-memory stream.
        }
      }
    }
    if (failures > findings.size() && findings.size() >= MAX_FINDINGS) {
      warnings.add(
          "test report "
              + report.name()
              + " has "
              + failures
              + " failures; kept the first "
              + MAX_FINDINGS);
    }
    if (longMessages > 0) {
      warnings.add(
          "test report "
              + report.name()
              + ": "
              + longMessages
              + " failure message"
              + (longMessages == 1 ? " was" : "s were")
              + " longer than "
              + (MAX_MESSAGE_CHARS >> 10)
              + " KiB and cut there");
    }
    return new JUnitResult(findings, cases, warnings);
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    trySet(f, XMLConstants.ACCESS_EXTERNAL_DTD, "");
    trySet(f, XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    // Problems become our one-line warning; the parser must not print on its own.
    f.setXMLReporter((message, errorType, info, location) -> {});
    return f;
  }

  private static void trySet(XMLInputFactory f, String property, Object value) {
    try {
      f.setProperty(property, value);
    } catch (IllegalArgumentException e) {
      // Not every StAX implementation knows every JAXP property; the ones above already forbid
      // DTDs.
    }
  }

  private static String attr(XMLStreamReader r, String name) {
    String v = r.getAttributeValue(null, name);
    return v == null ? "" : v;
  }

  private static Finding finding(
      String job,
      String report,
      String test,
      String cls,
      String file,
      String kind,
      String type,
      String message,
      String body) {
    List<String> bodyLines = new ArrayList<>();
    for (String l : body.strip().split("\\R", -1)) {
      if (bodyLines.size() >= 60) {
        bodyLines.add("[... more lines in " + report + "]");
        break;
      }
      bodyLines.add(clip(LineCleaner.stripAnsi(l)));
    }
    String firstMessage =
        message.isBlank()
            ? (bodyLines.isEmpty() || bodyLines.get(0).isBlank() ? type : bodyLines.get(0))
            : message.strip().lines().findFirst().orElse("");
    String headline =
        Secrets.mask(
            clip(
                LineCleaner.stripAnsi(
                    "["
                        + kind
                        + "] "
                        + (cls.isEmpty() ? "" : cls + ".")
                        + test
                        + ": "
                        + firstMessage)));
    String hashInput = cls + "::" + test + "::" + Normalizer.normalize(firstMessage);
    String hash = Hashing.sha256Hex(hashInput);
    String id = Hashing.sha256Hex(job + ":" + report + ":" + hashInput).substring(0, 16);
    return new Finding(
        id,
        hash,
        Severity.ERROR,
        1.0,
        1,
        job,
        "",
        0,
        0,
        headline,
        cls + "::" + test + "::" + Normalizer.normalize(firstMessage),
        List.of(headline),
        List.of(),
        Secrets.maskAll(bodyLines),
        1,
        FindingSource.JUNIT,
        Optional.of(new TestCase(test, cls, file)),
        List.of("junit-" + kind),
        Optional.empty());
  }

  private static String clip(String s) {
    return s.length() > LineCleaner.MAX_LINE_CHARS
        ? s.substring(0, LineCleaner.MAX_LINE_CHARS)
            + " [... "
            + (s.length() - LineCleaner.MAX_LINE_CHARS)
            + " more chars]"
        : s;
  }
}
