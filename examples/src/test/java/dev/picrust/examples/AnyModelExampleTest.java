package dev.picrust.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnyModelExampleTest {
    @Test
    void aLocalModelAnswersAndGeminiContinuesTheSameSession() throws Exception {
        assertThat(AnyModelExample.run()).isEqualTo("openai: Paris.\ngemini: About 2.1 million people.\n");
    }
}
