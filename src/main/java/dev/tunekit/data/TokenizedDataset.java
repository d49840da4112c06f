package dev.tunekit.data;

import dev.tunekit.tokenize.Tokenizer;

/** The three splits of a dataset, tokenized once (through the on-disk cache). */
public record TokenizedDataset(TokenizedSplit train, TokenizedSplit validation, TokenizedSplit test) {
  public static TokenizedDataset of(TextDataset dataset, Tokenizer tokenizer, TokenCache cache) {
    return new TokenizedDataset(cache.tokenize(dataset.train(), tokenizer),
        cache.tokenize(dataset.validation(), tokenizer), cache.tokenize(dataset.test(), tokenizer));
  }
}
