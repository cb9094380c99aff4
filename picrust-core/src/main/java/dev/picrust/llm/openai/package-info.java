/**
 * The OpenAI Chat Completions provider, for OpenAI and the many servers that speak the same API
 * (Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter). The base URL includes the API version
 * ({@code .../v1}); retries are those of every provider ({@link dev.picrust.llm.wire.HttpRetryLoop}).
 */
package dev.picrust.llm.openai;
