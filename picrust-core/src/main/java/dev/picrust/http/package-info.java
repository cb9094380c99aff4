/**
 * HTTP for the LLM providers: {@link dev.picrust.http.HttpTransport} sends one request and hands
 * back a streaming answer. {@link dev.picrust.http.Http1Transport}, the default, is a blocking
 * HTTP/1.1 client written for virtual threads: the calling thread writes the request and reads the
 * answer itself, so a streamed model answer costs no hand-offs between threads, and idle keep-alive
 * connections hold no buffers. {@link dev.picrust.http.JdkHttpTransport} wraps a
 * {@link java.net.http.HttpClient} for deployments that need what only that client has (HTTP/2,
 * a {@link java.net.ProxySelector}, an authenticator).
 */
package dev.picrust.http;
