/**
 * Server-sent events ({@code text/event-stream}) for any HTTP client: {@link dev.picrust.llm.sse.SseReader}
 * pulls events from a body stream, {@link dev.picrust.llm.sse.IdleTimeoutInputStream} stops a
 * stalled one. Used by the LLM providers and by MCP's Streamable HTTP transport.
 */
package dev.picrust.llm.sse;
