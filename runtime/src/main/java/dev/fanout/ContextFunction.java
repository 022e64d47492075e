package dev.fanout;

/**
 * A function of one item that runs under a {@link Context}, for {@link TaskGroup#map}.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ContextFunction<T, R> {
  /**
   * Computes the result for one item.
   *
   * @param ctx the group's derived context: cancelled when another item fails
   * @param item the input
   */
  R apply(Context ctx, T item) throws Exception;
}
