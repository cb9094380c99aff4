/**
 * PiCrust core: the agent loop, its output vocabulary, LLM providers, tools, hooks, permissions, sessions
 * and the runtime. Only the packages users program against are exported; the HTTP transport, the SSE reader
 * and other engine parts stay internal so they can change without breaking anyone (docs/API.md).
 * Adding an exported package is one {@code exports} line here plus one line in docs/API.md.
 */
// The OpenTelemetry API jars are automatic modules with stable Automatic-Module-Name entries.
@SuppressWarnings({"requires-transitive-automatic", "requires-automatic"})
module dev.picrust.core {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive java.net.http;
    requires org.slf4j;
    // AgentConfig takes an OpenTelemetry; the API only (its no-op default costs nothing), never the SDK.
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.picrust;
    exports dev.picrust.event;
    exports dev.picrust.json;
    exports dev.picrust.llm;
    exports dev.picrust.llm.anthropic;
    exports dev.picrust.llm.catalog;
    exports dev.picrust.llm.gemini;
    exports dev.picrust.llm.openai;
    exports dev.picrust.agent;
    exports dev.picrust.agent.context;
    exports dev.picrust.tool;
    exports dev.picrust.tool.builtin;
    exports dev.picrust.tool.schema;
    exports dev.picrust.hook;
    exports dev.picrust.permission;
    exports dev.picrust.sandbox;
    exports dev.picrust.secret;
    exports dev.picrust.session;
    exports dev.picrust.runtime;
}
