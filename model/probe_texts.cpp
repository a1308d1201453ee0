// The int8 quality gate's probe set: short and long, technical and plain,
// with numbers, negations and a few non-English words, so that a model whose
// activations quantize badly shows it on at least one of them.
#include <string>
#include <vector>

#include "model/encoder.hpp"

namespace winnow::model {

const std::vector<std::string>& probe_texts() {
  static const std::vector<std::string> texts = {
      "What causes the tides to rise and fall twice a day?",
      "The moon's gravity pulls on the oceans, and the earth's rotation turns each coast through two bulges of water.",
      "vitamin d deficiency bone density",
      "Patients given the higher dose showed no reduction in blood pressure after twelve weeks.",
      "How do I reset a forgotten router password?",
      "Hold the reset button on the back of the device for thirty seconds, then log in with the default credentials printed on the label.",
      "A small bakery on the corner sells sourdough loaves every morning before seven.",
      "Mitochondrial DNA is inherited almost exclusively from the mother in most animals.",
      "The committee did not approve the budget, citing missing figures for 2023 and 2024.",
      "error: undefined reference to `pthread_create' when linking with -static",
      "Photosynthesis converts light energy, water and carbon dioxide into glucose and oxygen.",
      "Is coffee bad for your heart?",
      "In a randomized trial of 4,812 adults, moderate coffee intake was not associated with arrhythmia.",
      "The quick brown fox jumps over the lazy dog.",
      "Le musée ouvre à neuf heures et ferme à dix-huit heures.",
      "Die Ergebnisse wurden in einer Fachzeitschrift veröffentlicht.",
      "Gene expression of TP53 was elevated in tumour samples relative to matched controls (p < 0.01).",
      "cheap flights from lisbon to tokyo in march",
      "The river flooded the valley after three days of heavy rain, forcing hundreds of families to leave their homes.",
      "Transformers compute attention between every pair of tokens in a sequence.",
      "My cat refuses to eat anything except one brand of dry food.",
      "Antibiotics do not work against viral infections such as the common cold.",
      "The stock market fell sharply on Monday as investors reacted to rising interest rates.",
      "Quantum entanglement links the states of two particles regardless of the distance between them.",
  };
  return texts;
}

}  // namespace winnow::model
