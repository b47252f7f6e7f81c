package dev.destill.core.store;

class InMemoryFindingStoreTest extends AbstractFindingStoreTest {
  @Override
  protected FindingStore newStore() {
    return new InMemoryFindingStore(clock);
  }
}
