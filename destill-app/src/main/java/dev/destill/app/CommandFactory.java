package dev.destill.app;

import dev.destill.app.wiring.Services;
import java.lang.reflect.Constructor;
import java.util.Objects;
import picocli.CommandLine;

/**
 * Creates picocli's commands and mixins: a class with a constructor taking {@link Services} gets
 * the composition root's; any other class is made by picocli's default factory.
 */
final class CommandFactory implements CommandLine.IFactory {
  private final Services services;

  CommandFactory(Services services) {
    this.services = Objects.requireNonNull(services, "services");
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    Constructor<K> withServices;
    try {
      withServices = cls.getDeclaredConstructor(Services.class);
    } catch (NoSuchMethodException e) {
      return CommandLine.defaultFactory().create(cls);
    }
    return withServices.newInstance(services);
  }
}
