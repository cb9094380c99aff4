package dev.picrust.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CustomToolExampleTest {
    @Test
    void theAnnotatedToolIsCalledByTheModelAndItsResultComesBack() throws Exception {
        String transcript = CustomToolExample.run();
        assertThat(transcript).contains("[openTotal -> 1250.5]").endsWith("Customer C-42 owes 1250.50 EUR.");
    }
}
