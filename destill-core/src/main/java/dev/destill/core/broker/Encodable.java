package dev.destill.core.broker;

/**
 * A value a broker may carry as it is: an in-process broker hands the object itself to its
 * consumers, and only a broker whose messages leave the process asks for its bytes. The object is
 * shared between consumers, so it must be immutable (arrays in it are never written to). {@link
 * #encode} is pure and thread-safe.
 */
public interface Encodable {

  /** The value's bytes, as a broker that leaves the process sends them. */
  byte[] encode();
}
