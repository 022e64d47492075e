package dev.fanout.sample;

import java.util.List;

/** The supervisor's answer: every specialist's finding, in the specialists' order. */
public record Report(String query, List<Finding> findings) {}
