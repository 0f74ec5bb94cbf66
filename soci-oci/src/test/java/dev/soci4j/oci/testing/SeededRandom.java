package dev.soci4j.oci.testing;

import java.util.Random;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Seeded randomness for property-style tests. The seed is a constant plus the test's name (so each
 * test sees its own stable data), overridable with {@code -Dsoci4j.seed=N}; a failing test prints it.
 *
 * <pre>{@code
 * @ExtendWith(SeededRandom.class)
 * class FooTest {
 *     @Test void roundTrips(Random random) { ... }
 * }
 * }</pre>
 */
public final class SeededRandom implements ParameterResolver, TestWatcher {
    private static final long BASE_SEED = 0x5_0C1_4_1L;

    /** The seed a test of this display/method name gets. */
    public static long seedFor(String testName) {
        String override = System.getProperty("soci4j.seed");
        if (override != null && !override.isBlank()) return Long.parseLong(override.trim());
        return BASE_SEED + testName.hashCode();
    }

    private static String testName(ExtensionContext context) {
        return context.getRequiredTestClass().getName() + "#" + context.getDisplayName();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Random.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return new Random(seedFor(testName(extensionContext)));
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.printf("%s failed with seed %d (rerun with -Dsoci4j.seed=%d)%n",
                testName(context), seedFor(testName(context)), seedFor(testName(context)));
    }
}
