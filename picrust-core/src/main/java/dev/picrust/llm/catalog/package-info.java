/**
 * Named model configurations ({@code models.json}): providers with their API, base URL and key, and
 * the models they offer with context window, output limit and prices. See
 * {@link dev.picrust.llm.catalog.ModelCatalog}.
 */
package dev.picrust.llm.catalog;
