#include "app/catalogue_generator.hpp"

#include <array>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "app/seeded_random.hpp"

namespace winnow::app {

namespace {

// Invented brand names: syllables joined, so none is a real trademark by design.
constexpr std::array<const char*, 16> brand_heads = {
    "Harrow", "Quill", "Bramble", "Tessel", "Orrin", "Vantle", "Corbel", "Mirelle",
    "Pellan", "Strake", "Hollin", "Ardent", "Sorrel", "Fenwick", "Lumen", "Dorsa"};
constexpr std::array<const char*, 8> brand_tails = {
    "gate", "worth", "ly", "craft", "mere", "stead", "ford", "wick"};

struct category {
  const char* name;       // as it appears in titles
  const char* department;
  std::array<const char*, 4> uses;  // phrases for the description
};

constexpr std::array<category, 24> categories = {{
    {"Desk Lamp", "Lighting", {"late reading", "a home office", "bedside tables", "drafting work"}},
    {"Floor Lamp", "Lighting", {"living rooms", "reading corners", "studio flats", "ambient light"}},
    {"Dining Chair", "Furniture", {"family dinners", "breakfast nooks", "long meals", "small kitchens"}},
    {"Bookshelf", "Furniture", {"paperback collections", "display pieces", "narrow hallways", "children's rooms"}},
    {"Coffee Table", "Furniture", {"living rooms", "board games", "open-plan spaces", "small lounges"}},
    {"Rain Jacket", "Outdoor Clothing", {"wet commutes", "hill walking", "festival weekends", "cycling"}},
    {"Hiking Boot", "Footwear", {"rocky trails", "long treks", "muddy paths", "winter hikes"}},
    {"Running Shoe", "Footwear", {"road running", "tempo sessions", "daily training", "park runs"}},
    {"Backpack", "Bags", {"day trips", "laptop commutes", "weekend travel", "school days"}},
    {"Duffel Bag", "Bags", {"gym sessions", "weekend breaks", "sports kit", "carry-on travel"}},
    {"Chef Knife", "Kitchen", {"slicing vegetables", "carving roasts", "everyday prep", "fine dicing"}},
    {"Frying Pan", "Kitchen", {"searing steaks", "omelettes", "stir fries", "induction hobs"}},
    {"Teapot", "Kitchen", {"loose-leaf tea", "afternoon tea", "herbal infusions", "tea for two"}},
    {"Water Bottle", "Outdoor Gear", {"hydration on the go", "gym sessions", "long hikes", "school bags"}},
    {"Tent", "Outdoor Gear", {"wild camping", "family campsites", "bikepacking", "festival weekends"}},
    {"Sleeping Bag", "Outdoor Gear", {"cold nights", "summer camping", "sleepovers", "alpine huts"}},
    {"Wireless Headphones", "Electronics", {"long flights", "focused work", "podcasts", "gym sessions"}},
    {"Bluetooth Speaker", "Electronics", {"garden parties", "shower playlists", "picnics", "kitchen radio"}},
    {"Mechanical Keyboard", "Electronics", {"programming", "long writing sessions", "gaming", "quiet offices"}},
    {"Wall Clock", "Home Decor", {"kitchens", "classrooms", "hallways", "minimalist interiors"}},
    {"Throw Blanket", "Home Decor", {"sofa evenings", "guest rooms", "chilly nights", "reading nooks"}},
    {"Plant Pot", "Garden", {"succulents", "herb gardens", "balcony plants", "indoor ferns"}},
    {"Garden Hose", "Garden", {"vegetable beds", "washing cars", "lawn care", "greenhouses"}},
    {"Yoga Mat", "Fitness", {"morning stretches", "hot yoga", "pilates", "home workouts"}},
}};

constexpr std::array<const char*, 20> materials = {
    "Walnut", "Oak", "Bamboo", "Ash", "Recycled Polyester", "Merino Wool", "Cotton Canvas",
    "Stainless Steel", "Cast Iron", "Carbon Steel", "Aluminium", "Ceramic", "Stoneware",
    "Borosilicate Glass", "Full-Grain Leather", "Ripstop Nylon", "Cork", "Linen", "Rattan",
    "Brass"};

constexpr std::array<const char*, 18> colours = {
    "Charcoal", "Ivory", "Sage", "Terracotta", "Navy", "Mustard", "Slate", "Forest Green",
    "Burgundy", "Sand", "Teal", "Coral", "Graphite", "Oatmeal", "Cobalt", "Blush", "Olive",
    "Midnight"};

constexpr std::array<const char*, 20> adjectives = {
    "Compact", "Foldable", "Lightweight", "Heavy-Duty", "Classic", "Modern", "Rustic",
    "Minimalist", "Ergonomic", "Adjustable", "Waterproof", "Insulated", "Handmade", "Vintage",
    "Stackable", "Portable", "Slimline", "Oversized", "Brushed", "Quilted"};

constexpr std::array<const char*, 24> features = {
    "a non-slip base", "reinforced stitching", "a two-year warranty", "a removable cover",
    "dishwasher-safe parts", "a magnetic clasp", "soft-close hinges", "a USB-C charging port",
    "adjustable straps", "a water-resistant finish", "a hand-oiled surface", "tool-free assembly",
    "a dimmable warm light", "breathable mesh panels", "a lifetime repair service",
    "a padded laptop sleeve", "a heat-resistant handle", "a twelve-hour battery",
    "taped seams", "a recycled cardboard box", "replaceable feet", "a wipe-clean lining",
    "a hidden storage pocket", "an anti-scratch coating"};

constexpr std::array<const char*, 10> openers = {
    "Designed for %s, this %s is built to last.",
    "A dependable choice for %s, this %s keeps things simple.",
    "Made with %s in mind, the %s balances form and function.",
    "Ideal for %s, this %s earns its place at home.",
    "If you need something for %s, this %s is a quiet favourite.",
    "Built around %s, this %s avoids needless extras.",
    "Our designers made this %2$s for %1$s.",
    "Perfect for %s: a %s that works as hard as you do.",
    "Whether it is %s or everyday use, this %s is up to the task.",
    "For %s, few things beat a well-made %s."};

constexpr std::array<const char*, 8> care_notes = {
    "Wipe clean with a damp cloth.", "Hand wash only; dry flat.",
    "Store in a dry place away from direct sunlight.", "Machine washable at 30 degrees.",
    "Oil the surface twice a year to keep it looking fresh.", "Spare parts are available on request.",
    "Packed without single-use plastic.", "Assembly takes about ten minutes."};

template <class Array>
const auto& pick(seeded_random& rng, const Array& a) {
  return a[rng.below(a.size())];
}

std::string lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string format(const char* fmt, const std::string& a, const std::string& b) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, a.c_str(), b.c_str());
  return buf;
}

}  // namespace

beir_document catalogue_generator::item(uint64_t i) const {
  // One independent stream per item: item(i) does not depend on item(i - 1),
  // so generation can be parallel or resumed.
  seeded_random rng(seed_ ^ (0xD1B54A32D192ED03ull * (i + 1)));
  rng.next();

  const std::string brand = std::string(pick(rng, brand_heads)) + pick(rng, brand_tails);
  const category& cat = pick(rng, categories);
  const std::string material = pick(rng, materials);
  const std::string colour = pick(rng, colours);
  const std::string adjective = pick(rng, adjectives);
  const std::string adjective2 = pick(rng, adjectives);

  beir_document doc;
  char id[16];
  std::snprintf(id, sizeof id, "p%07llu", static_cast<unsigned long long>(i));
  doc.id = id;
  doc.title = brand + " " + adjective + " " + material + " " + cat.name;
  if (rng.chance(0.4)) doc.title += ", " + colour;

  const std::string item_name = lower(adjective) + " " + lower(cat.name);
  std::string text = format(pick(rng, openers), pick(rng, cat.uses), item_name);
  text += " Made from " + lower(material) + " in " + lower(colour) + ", with " +
          pick(rng, features) + " and " + pick(rng, features) + ".";
  const uint64_t extra = rng.below(3);
  for (uint64_t k = 0; k < extra; ++k) {
    text += " " + std::string(k == 0 ? "It is " : "Also ") + lower(adjective2) + " enough for " +
            pick(rng, cat.uses) + ", and comes with " + pick(rng, features) + ".";
  }
  text += " ";
  text += pick(rng, care_notes);
  text += " Part of the " + brand + " " + cat.department + " range.";
  doc.text = std::move(text);

  const uint64_t price_cents = 499 + rng.below(40000) / 100 * 100 + 99;
  nlohmann::json meta = {{"brand", brand},
                         {"category", cat.name},
                         {"department", cat.department},
                         {"material", material},
                         {"colour", colour},
                         {"price_cents", price_cents}};
  doc.metadata_json = meta.dump();
  return doc;
}

std::string catalogue_generator::to_json_line(const beir_document& doc) {
  nlohmann::json line = {{"_id", doc.id}, {"title", doc.title}, {"text", doc.text}};
  if (!doc.metadata_json.empty()) line["metadata"] = nlohmann::json::parse(doc.metadata_json);
  return line.dump();
}

}  // namespace winnow::app
