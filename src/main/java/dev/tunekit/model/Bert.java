package dev.tunekit.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.tensors.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * BERT (Devlin et al., 2018) as in HF's {@code modeling_bert.py}, eager attention: embeddings
 * with token types, post-LayerNorm layers, a tanh pooler on [CLS]. Field names are the
 * checkpoint's keys.
 */
public final class Bert {
  private Bert() {}

  /** HF's BertConfig (defaults are bert-base-uncased's). */
  public record Config(int vocabSize, int hiddenSize, int numLayers, int numHeads,
      int intermediateSize, Activation activation, double hiddenDropout, double attentionDropout,
      int maxPositions, int typeVocabSize, double initializerRange, double layerNormEps,
      int padTokenId, double classifierDropout, Labels labels, ObjectNode json) implements ModelConfig {

    static Config from(ConfigJson j) {
      String act = j.text("hidden_act", "gelu");
      Activation activation = Activation.parse(act);
      if (activation == null) {
        throw j.invalid("hidden_act \"" + act + "\" is not supported (gelu, gelu_new, relu)");
      }
      String positions = j.text("position_embedding_type", "absolute");
      if (!positions.equals("absolute")) {
        throw j.invalid("position_embedding_type \"" + positions + "\" is not supported (absolute)");
      }
      double hiddenDropout = j.probability("hidden_dropout_prob", 0.1);
      Config c = new Config(j.positive("vocab_size", 30522), j.positive("hidden_size", 768),
          j.positive("num_hidden_layers", 12), j.positive("num_attention_heads", 12),
          j.positive("intermediate_size", 3072), activation, hiddenDropout,
          j.probability("attention_probs_dropout_prob", 0.1), j.positive("max_position_embeddings", 512),
          j.positive("type_vocab_size", 2), j.number("initializer_range", 0.02),
          j.number("layer_norm_eps", 1e-12), j.integer("pad_token_id", 0),
          j.probability("classifier_dropout", hiddenDropout), j.labels(), j.root());
      if (c.hiddenSize % c.numHeads != 0) {
        throw j.invalid("hidden_size " + c.hiddenSize + " is not a multiple of num_attention_heads " + c.numHeads);
      }
      return c;
    }

    @Override
    public Config withLabels(Labels l) {
      return new Config(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, activation,
          hiddenDropout, attentionDropout, maxPositions, typeVocabSize, initializerRange, layerNormEps,
          padTokenId, classifierDropout, l, ModelConfig.jsonWithLabels(json, l));
    }

    @Override public String modelType() { return "bert"; }
    @Override public String basePrefix() { return "bert"; }
  }

  /** Word, position and token-type embeddings, summed and normalised. */
  static final class Embeddings {
    final Tensor wordEmbeddings;
    final Tensor positionEmbeddings;
    final Tensor tokenTypeEmbeddings;
    final int padTokenId;
    final LayerNorm layerNorm;
    final double dropout;

    Embeddings(Weights w, Config c) {
      wordEmbeddings = w.embedding("word_embeddings.weight", c.vocabSize, c.hiddenSize, c.padTokenId);
      padTokenId = c.padTokenId;
      positionEmbeddings = w.get("position_embeddings.weight", Weights.Init.NORMAL, c.maxPositions, c.hiddenSize);
      tokenTypeEmbeddings = w.get("token_type_embeddings.weight", Weights.Init.NORMAL, c.typeVocabSize, c.hiddenSize);
      layerNorm = new LayerNorm(w.at("LayerNorm"), c.hiddenSize, c.layerNormEps);
      dropout = c.hiddenDropout;
    }

    Tensor forward(Tensor inputIds, Tensor tokenTypeIds, boolean training) {
      Positions.check(inputIds, positionEmbeddings);
      Tensor positions = torch.arange(new Scalar(inputIds.size(1)), new TensorOptions(torch.ScalarType.Long));
      Tensor x = EmbeddingLookup.rows(wordEmbeddings, inputIds, padTokenId)
          .add(EmbeddingLookup.rows(tokenTypeEmbeddings, tokenTypeIds, EmbeddingLookup.NO_PADDING))
          .add(EmbeddingLookup.rows(positionEmbeddings, positions, EmbeddingLookup.NO_PADDING));
      return Dropout.apply(layerNorm.forward(x), dropout, training);
    }
  }

  /** attention.self (query, key, value) and attention.output (dense, dropout, LayerNorm). */
  static final class SelfAttention {
    final QueryKeyValue qkv;
    final Linear outputDense;
    final LayerNorm outputLayerNorm;
    final int heads;
    final double attentionDropout;
    final double hiddenDropout;

    SelfAttention(Weights w, Config c) {
      Weights self = w.at("self");
      qkv = new QueryKeyValue(self.linear("query", c.hiddenSize, c.hiddenSize),
          self.linear("key", c.hiddenSize, c.hiddenSize), self.linear("value", c.hiddenSize, c.hiddenSize));
      outputDense = w.linear("output.dense", c.hiddenSize, c.hiddenSize);
      outputLayerNorm = new LayerNorm(w.at("output.LayerNorm"), c.hiddenSize, c.layerNormEps);
      heads = c.numHeads;
      attentionDropout = c.attentionDropout;
      hiddenDropout = c.hiddenDropout;
    }

    /** {@code queries} attend over {@code x} (the same tensor, or its first positions). */
    Tensor forward(Tensor queries, Tensor x, Tensor keyMask, boolean training) {
      Tensor[] p = qkv.forward(queries, x);
      Tensor context = Attention.multiHead(p[0], p[1], p[2], keyMask, heads, attentionDropout, training);
      Tensor projected = Dropout.apply(outputDense.forward(context), hiddenDropout, training);
      return outputLayerNorm.forward(projected.add(queries));
    }
  }

  /** One layer: attention, then intermediate (dense, activation) and output (dense, LayerNorm). */
  static final class Layer {
    final SelfAttention attention;
    final Linear intermediateDense;
    final Linear outputDense;
    final LayerNorm outputLayerNorm;
    final Activation activation;
    final double dropout;

    Layer(Weights w, Config c) {
      attention = new SelfAttention(w.at("attention"), c);
      intermediateDense = w.linear("intermediate.dense", c.hiddenSize, c.intermediateSize);
      outputDense = w.linear("output.dense", c.intermediateSize, c.hiddenSize);
      outputLayerNorm = new LayerNorm(w.at("output.LayerNorm"), c.hiddenSize, c.layerNormEps);
      activation = c.activation;
      dropout = c.hiddenDropout;
    }

    Tensor forward(Tensor x, Tensor keyMask, boolean training) {
      return forward(x, x, keyMask, training);
    }

    /**
     * The layer's output at the positions of {@code queries} only (a prefix of {@code x}). Each
     * block frees its temporaries when it ends (see {@link Tensors#freeingTemporaries}).
     */
    Tensor forward(Tensor queries, Tensor x, Tensor keyMask, boolean training) {
      return Tensors.freeingTemporaries(() -> {
        Tensor a = Tensors.freeingTemporaries(() -> attention.forward(queries, x, keyMask, training));
        Tensor h = Tensors.freeingTemporaries(() -> outputDense.forward(activation.apply(intermediateDense.forward(a))));
        return outputLayerNorm.forward(Dropout.apply(h, dropout, training).add(a));
      });
    }
  }

  /** HF's BertModel: embeddings, {@code encoder.layer.0..n-1}, optionally the pooler. */
  public static final class Model implements Encoder {
    private final Config config;
    private final Weights weights;
    private final Embeddings embeddings;
    private final List<Layer> layers = new ArrayList<>();
    private final Linear pooler;
    private boolean training;

    /** {@code addPoolingLayer} as in HF: feature extraction needs no pooler, classification does. */
    public Model(Weights w, Config config, boolean addPoolingLayer) {
      this.config = config;
      this.weights = w;
      embeddings = new Embeddings(w.at("embeddings"), config);
      for (int i = 0; i < config.numLayers; i++) {
        layers.add(new Layer(w.at("encoder.layer." + i), config));
      }
      pooler = addPoolingLayer ? w.linear("pooler.dense", config.hiddenSize, config.hiddenSize) : null;
    }

    @Override
    public EncoderOutput forward(Tensor inputIds, Tensor attentionMask, boolean allHiddenStates) {
      return forward(inputIds, attentionMask, torch.zeros_like(inputIds), allHiddenStates);
    }

    public EncoderOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, boolean allHiddenStates) {
      Tensor keyMask = Attention.keyMask(attentionMask);
      Tensor x = embeddings.forward(inputIds, tokenTypeIds, training);
      List<Tensor> states = new ArrayList<>();
      if (allHiddenStates) {
        states.add(x);
      }
      for (Layer layer : layers) {
        x = layer.forward(x, keyMask, training);
        if (allHiddenStates) {
          states.add(x);
        }
      }
      return new EncoderOutput(x, states);
    }

    @Override
    public Tensor firstToken(Tensor inputIds, Tensor attentionMask) {
      Tensor keyMask = Attention.keyMask(attentionMask);
      Tensor x = embeddings.forward(inputIds, torch.zeros_like(inputIds), training);
      int last = layers.size() - 1;
      for (int i = 0; i < last; i++) {
        x = layers.get(i).forward(x, keyMask, training);
      }
      return layers.get(last).forward(x.narrow(1, 0, 1), x, keyMask, training).select(1, 0);
    }

    /** tanh(dense(h[:, 0])): the pooler output the classification head reads, from [CLS]'s state [B, H]. */
    public Tensor pool(Tensor firstToken) {
      if (pooler == null) {
        throw new IllegalStateException("this BertModel was built without a pooling layer");
      }
      return torch.tanh(pooler.forward(firstToken));
    }

    @Override public Config config() { return config; }
    @Override public void train(boolean training) { this.training = training; }
    @Override public Map<String, Tensor> parameters() { return weights.parameters(); }
  }

  /** HF's BertForSequenceClassification: pooler output, dropout, classifier. */
  public static final class ForSequenceClassification implements SequenceClassifier {
    private final Config config;
    private final Weights weights;
    private final Model bert;
    private final Linear classifier;
    private boolean training;

    public ForSequenceClassification(Weights w, Config config) {
      this.config = config;
      this.weights = w;
      bert = new Model(w.at("bert"), config, true);
      classifier = w.linear("classifier", config.hiddenSize, config.labels().count());
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor attentionMask) {
      Tensor pooled = bert.pool(bert.firstToken(inputIds, attentionMask));
      return classifier.forward(Dropout.apply(pooled, config.classifierDropout, training));
    }

    @Override public Config config() { return config; }
    @Override public Model encoder() { return bert; }
    @Override public Weights weights() { return weights; }

    @Override
    public void train(boolean training) {
      this.training = training;
      bert.train(training);
    }
  }
}
