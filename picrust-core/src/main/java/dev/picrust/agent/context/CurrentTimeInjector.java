package dev.picrust.agent.context;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;

/** The current time in a zone, from the context's clock reading (so tests control it). */
final class CurrentTimeInjector implements ContextInjector {
    private final ZoneId zone;

    CurrentTimeInjector(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public Optional<String> inject(InjectionContext context) {
        return Optional.of("Current time: " + DateTimeFormatter.ISO_ZONED_DATE_TIME.format(context.now().atZone(zone)));
    }
}
