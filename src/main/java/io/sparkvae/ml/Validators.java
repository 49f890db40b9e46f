package io.sparkvae.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Predicate;
import scala.runtime.AbstractFunction1;

/** Spark ML {@code Param} validators written in Java (Spark's take Scala functions). */
final class Validators {
  private Validators() {}

  /** A serializable Scala predicate; Params travel with estimators and models. */
  static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SerializablePredicate<T> test;

    Check(SerializablePredicate<T> test) {
      this.test = test;
    }

    @Override
    public Object apply(T v) {
      return test.test(v);
    }
  }

  interface SerializablePredicate<T> extends Predicate<T>, Serializable {}

  static Check<Object> positiveInt() {
    return new Check<>(v -> ((Integer) v) > 0);
  }

  static Check<Object> nonNegativeInt() {
    return new Check<>(v -> ((Integer) v) >= 0);
  }

  static Check<Object> positiveDouble() {
    return new Check<>(v -> ((Double) v) > 0 && !((Double) v).isInfinite());
  }

  static Check<Object> nonNegativeDouble() {
    return new Check<>(v -> ((Double) v) >= 0 && !((Double) v).isInfinite());
  }

  static Check<String> oneOf(String... allowed) {
    return new Check<>(v -> Arrays.asList(allowed).contains(v.toLowerCase(Locale.ROOT)));
  }

  static Check<int[]> positiveInts() {
    return new Check<>(v -> Arrays.stream(v).allMatch(x -> x > 0));
  }
}
