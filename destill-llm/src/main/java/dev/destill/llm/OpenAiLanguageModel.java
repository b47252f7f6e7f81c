package dev.destill.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.destill.core.DestillException;
import dev.destill.core.explain.LanguageModel;
import dev.destill.core.explain.ModelAnswer;
import dev.destill.core.explain.Prompt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The {@link LanguageModel} port on an OpenAI-compatible chat-completions server (OpenAI, Azure
 * OpenAI's v1 endpoint, Ollama, vLLM, llama.cpp's server, LM Studio) through the official OpenAI
 * Java SDK. Asks for a JSON object at temperature 0, streams when asked, and turns every failure
 * into one line that names the server and what to check, never the key. Thread-safe.
 */
public final class OpenAiLanguageModel implements LanguageModel, AutoCloseable {
  private final LlmSettings settings;
  private final OpenAIClient client;
  private final boolean stream;

  /**
   * @param settings where and what to ask
   * @param stream whether to ask for a streamed answer (SSE), passing text on as it arrives
   */
  public OpenAiLanguageModel(LlmSettings settings, boolean stream) {
    this.settings = settings;
    this.stream = stream;
    OpenAIOkHttpClient.Builder b =
        OpenAIOkHttpClient.builder()
            .baseUrl(settings.baseUrl().toString())
            .timeout(
                Timeout.builder()
                    .connect(
                        settings.timeout().compareTo(java.time.Duration.ofSeconds(10)) < 0
                            ? settings.timeout()
                            : java.time.Duration.ofSeconds(10))
                    .read(settings.timeout())
                    .request(settings.timeout())
                    .build())
            .maxRetries(settings.maxRetries())
            .checkJacksonVersionCompatibility(false);
    // Local servers need no key, but the SDK wants one; it is only sent as a bearer to baseUrl.
    b.apiKey(settings.apiKey().orElse("none"));
    this.client = b.build();
  }

  @Override
  public String model() {
    return settings.model();
  }

  @Override
  public ModelAnswer complete(Prompt prompt, Consumer<String> onText) {
    try {
      return ask(prompt, onText, true);
    } catch (BadRequestException e) {
      // Some servers refuse response_format; ask once more without it (the prompt asks for JSON).
      if (mentionsResponseFormat(e)) {
        try {
          return ask(prompt, onText, false);
        } catch (OpenAIException again) {
          throw translate(again);
        }
      }
      throw translate(e);
    } catch (OpenAIException e) {
      throw translate(e);
    }
  }

  private ModelAnswer ask(Prompt prompt, Consumer<String> onText, boolean jsonFormat) {
    ChatCompletionCreateParams.Builder p =
        ChatCompletionCreateParams.builder()
            .model(settings.model())
            .addSystemMessage(prompt.system())
            .addUserMessage(prompt.user())
            .temperature(0.0)
            .maxCompletionTokens(settings.maxOutputTokens());
    if (jsonFormat) {
      p.responseFormat(ResponseFormatJsonObject.builder().build());
    }
    if (!stream) {
      ChatCompletion c = client.chat().completions().create(p.build());
      String text = c.choices().isEmpty() ? "" : c.choices().get(0).message().content().orElse("");
      onText.accept(text);
      long in = c.usage().map(u -> u.promptTokens()).orElse(-1L);
      long out = c.usage().map(u -> u.completionTokens()).orElse(-1L);
      return AnswerJson.parse(text, c.model(), in, out);
    }
    p.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
    StringBuilder text = new StringBuilder();
    AtomicReference<String> model = new AtomicReference<>("");
    AtomicLong in = new AtomicLong(-1);
    AtomicLong out = new AtomicLong(-1);
    try (StreamResponse<ChatCompletionChunk> chunks =
        client.chat().completions().createStreaming(p.build())) {
      chunks.stream()
          .forEach(
              chunk -> {
                if (!chunk.model().isEmpty()) {
                  model.set(chunk.model());
                }
                chunk
                    .usage()
                    .ifPresent(
                        u -> {
                          in.set(u.promptTokens());
                          out.set(u.completionTokens());
                        });
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                  choice
                      .delta()
                      .content()
                      .ifPresent(
                          d -> {
                            if (text.length() < 64 * 1024) {
                              text.append(d);
                              onText.accept(d);
                            }
                          });
                }
              });
    }
    return AnswerJson.parse(text.toString(), model.get(), in.get(), out.get());
  }

  private static boolean mentionsResponseFormat(BadRequestException e) {
    String body = String.valueOf(e.body());
    return body.contains("response_format") || body.contains("json_object");
  }

  private DestillException translate(OpenAIException e) {
    String at = "the model server at " + settings.server();
    if (e instanceof UnauthorizedException) {
      return new DestillException(at + " returned 401: check " + LlmSettings.API_KEY, e);
    }
    if (e instanceof PermissionDeniedException) {
      return new DestillException(
          at
              + " returned 403: the key in "
              + LlmSettings.API_KEY
              + " may not use model "
              + settings.model(),
          e);
    }
    if (e instanceof NotFoundException) {
      return new DestillException(
          at
              + " returned 404: check "
              + LlmSettings.URL
              + " (the base that ends in /v1) and that model "
              + settings.model()
              + " exists there",
          e);
    }
    if (e instanceof RateLimitException) {
      return new DestillException.Retriable(
          at
              + " still returned 429 (rate limited) after "
              + settings.maxRetries()
              + " retries; try again later",
          e);
    }
    if (e instanceof OpenAIServiceException s) {
      return s.statusCode() >= 500
          ? new DestillException.Retriable(
              at
                  + " still returned "
                  + s.statusCode()
                  + " after "
                  + settings.maxRetries()
                  + " retries; try again later",
              e)
          : new DestillException(at + " refused the request with " + s.statusCode(), e);
    }
    if (e instanceof OpenAIIoException) {
      return new DestillException.Retriable(
          at
              + " did not answer within "
              + settings.timeout().toSeconds()
              + " s or could not be reached ("
              + LlmSettings.URL
              + ", "
              + LlmSettings.TIMEOUT
              + ")",
          e);
    }
    return new DestillException(at + " sent an answer that could not be read", e);
  }

  @Override
  public void close() {
    client.close();
  }
}
