package dev.destill.core.explain;

class InMemoryExplanationStoreTest extends AbstractExplanationStoreTest {
  @Override
  protected ExplanationStore newStore() {
    return new InMemoryExplanationStore(100);
  }
}
