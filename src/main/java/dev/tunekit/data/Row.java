package dev.tunekit.data;

import java.util.Map;

/**
 * One record of a data file: where it is ({@code file:line}, or {@code file:row N} for Parquet)
 * and its fields (strings, numbers, booleans or null, as the file typed them).
 */
public record Row(String where, Map<String, Object> fields) {}
