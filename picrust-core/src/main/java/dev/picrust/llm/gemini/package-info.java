/**
 * The Google Gemini provider ({@code generateContent} / {@code streamGenerateContent}); retries are
 * those of every provider ({@link dev.picrust.llm.wire.HttpRetryLoop}).
 */
package dev.picrust.llm.gemini;
