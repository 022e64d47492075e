package dev.fanout.sample;

/** What one specialist concluded. */
public record Finding(String specialist, String summary) {}
