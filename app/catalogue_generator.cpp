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
  std::array<const char*, 4> uses;       // phrases for the description
  std::array<const char*, 4> materials;  // what such an item is plausibly made of
  std::array<const char*, 4> features;   // what such an item plausibly has
};

constexpr std::array<category, 24> categories = {{
    {"Desk Lamp", "Lighting", {"late reading", "a home office", "bedside tables", "drafting work"},
     {"Brass", "Aluminium", "Walnut", "Ceramic"},
     {"a dimmable warm light", "an adjustable arm", "a weighted base", "a USB-C charging port"}},
    {"Floor Lamp", "Lighting", {"living rooms", "reading corners", "studio flats", "ambient light"},
     {"Brass", "Oak", "Rattan", "Linen"},
     {"a dimmable warm light", "a foot switch", "a linen shade", "a weighted base"}},
    {"Dining Chair", "Furniture", {"family dinners", "breakfast nooks", "long meals", "small kitchens"},
     {"Oak", "Walnut", "Rattan", "Ash"},
     {"a padded seat", "felt floor protectors", "a hand-oiled surface", "tool-free assembly"}},
    {"Bookshelf", "Furniture", {"paperback collections", "display pieces", "narrow hallways", "children's rooms"},
     {"Oak", "Ash", "Bamboo", "Walnut"},
     {"adjustable shelves", "a wall anchor kit", "a hand-oiled surface", "tool-free assembly"}},
    {"Coffee Table", "Furniture", {"living rooms", "board games", "open-plan spaces", "small lounges"},
     {"Walnut", "Oak", "Borosilicate Glass", "Cork"},
     {"a hidden storage drawer", "rounded corners", "replaceable feet", "a heat-resistant top"}},
    {"Rain Jacket", "Outdoor Clothing", {"wet commutes", "hill walking", "festival weekends", "cycling"},
     {"Ripstop Nylon", "Recycled Polyester", "Waxed Cotton", "Recycled Nylon"},
     {"taped seams", "a packable hood", "underarm vents", "reflective trims"}},
    {"Hiking Boot", "Footwear", {"rocky trails", "long treks", "muddy paths", "winter hikes"},
     {"Full-Grain Leather", "Suede", "Ripstop Nylon", "Recycled Polyester"},
     {"a waterproof membrane", "a grippy rubber sole", "a padded ankle collar", "a toe bumper"}},
    {"Running Shoe", "Footwear", {"road running", "tempo sessions", "daily training", "park runs"},
     {"Engineered Mesh", "Recycled Polyester", "Knit", "Ripstop Nylon"},
     {"a cushioned midsole", "breathable mesh panels", "reflective trims", "a heel pull tab"}},
    {"Backpack", "Bags", {"day trips", "laptop commutes", "weekend travel", "school days"},
     {"Cotton Canvas", "Recycled Polyester", "Full-Grain Leather", "Ripstop Nylon"},
     {"a padded laptop sleeve", "adjustable straps", "a hidden storage pocket", "a water-resistant finish"}},
    {"Duffel Bag", "Bags", {"gym sessions", "weekend breaks", "sports kit", "carry-on travel"},
     {"Cotton Canvas", "Full-Grain Leather", "Recycled Polyester", "Waxed Cotton"},
     {"a separate shoe compartment", "a detachable shoulder strap", "a wipe-clean lining", "a magnetic clasp"}},
    {"Chef Knife", "Kitchen", {"slicing vegetables", "carving roasts", "everyday prep", "fine dicing"},
     {"Carbon Steel", "Stainless Steel", "Damascus Steel", "Ceramic"},
     {"a full tang", "an olive wood handle", "a blade guard", "a lifetime sharpening service"}},
    {"Frying Pan", "Kitchen", {"searing steaks", "omelettes", "stir fries", "induction hobs"},
     {"Cast Iron", "Carbon Steel", "Stainless Steel", "Aluminium"},
     {"a heat-resistant handle", "a pouring lip", "a pre-seasoned surface", "an induction-ready base"}},
    {"Teapot", "Kitchen", {"loose-leaf tea", "afternoon tea", "herbal infusions", "tea for two"},
     {"Stoneware", "Borosilicate Glass", "Cast Iron", "Ceramic"},
     {"a removable infuser", "a drip-free spout", "a cork lid", "dishwasher-safe parts"}},
    {"Water Bottle", "Outdoor Gear", {"hydration on the go", "gym sessions", "long hikes", "school bags"},
     {"Stainless Steel", "Borosilicate Glass", "Aluminium", "Bamboo"},
     {"double-wall insulation", "a leak-proof lid", "a carry loop", "dishwasher-safe parts"}},
    {"Tent", "Outdoor Gear", {"wild camping", "family campsites", "bikepacking", "festival weekends"},
     {"Ripstop Nylon", "Recycled Polyester", "Cotton Canvas", "Aluminium"},
     {"taped seams", "two porches", "colour-coded poles", "a bathtub groundsheet"}},
    {"Sleeping Bag", "Outdoor Gear", {"cold nights", "summer camping", "sleepovers", "alpine huts"},
     {"Recycled Polyester", "Ripstop Nylon", "Merino Wool", "Cotton"},
     {"a draught collar", "a two-way zip", "a compression sack", "a hood drawcord"}},
    {"Wireless Headphones", "Electronics", {"long flights", "focused work", "podcasts", "gym sessions"},
     {"Aluminium", "Recycled Plastic", "Protein Leather", "Brushed Steel"},
     {"active noise cancelling", "a twelve-hour battery", "a USB-C charging port", "a folding headband"}},
    {"Bluetooth Speaker", "Electronics", {"garden parties", "shower playlists", "picnics", "kitchen radio"},
     {"Recycled Plastic", "Aluminium", "Cork", "Fabric"},
     {"a twelve-hour battery", "a splash-proof casing", "a USB-C charging port", "a carry strap"}},
    {"Mechanical Keyboard", "Electronics", {"programming", "long writing sessions", "gaming", "quiet offices"},
     {"Aluminium", "Recycled Plastic", "Walnut", "Brushed Steel"},
     {"hot-swappable switches", "a detachable cable", "white backlighting", "a wrist rest"}},
    {"Wall Clock", "Home Decor", {"kitchens", "classrooms", "hallways", "minimalist interiors"},
     {"Oak", "Brass", "Ceramic", "Cork"},
     {"a silent sweep movement", "a convex glass face", "a hidden hanging hook", "luminous hands"}},
    {"Throw Blanket", "Home Decor", {"sofa evenings", "guest rooms", "chilly nights", "reading nooks"},
     {"Merino Wool", "Linen", "Cotton", "Recycled Polyester"},
     {"tasselled edges", "a herringbone weave", "a quilted finish", "a machine-washable fabric"}},
    {"Plant Pot", "Garden", {"succulents", "herb gardens", "balcony plants", "indoor ferns"},
     {"Terracotta", "Ceramic", "Stoneware", "Recycled Plastic"},
     {"a drainage hole", "a matching saucer", "a frost-proof glaze", "a self-watering reservoir"}},
    {"Garden Hose", "Garden", {"vegetable beds", "washing cars", "lawn care", "greenhouses"},
     {"Reinforced PVC", "Natural Rubber", "Recycled Rubber", "Braided Polyester"},
     {"a kink-resistant core", "a brass connector", "a spray nozzle", "a wall-mounted reel"}},
    {"Yoga Mat", "Fitness", {"morning stretches", "hot yoga", "pilates", "home workouts"},
     {"Natural Rubber", "Cork", "Jute", "Recycled Rubber"},
     {"a non-slip surface", "alignment markings", "a carry strap", "a sweat-resistant finish"}},
}};

constexpr std::array<const char*, 18> colours = {
    "Charcoal", "Ivory", "Sage", "Terracotta", "Navy", "Mustard", "Slate", "Forest Green",
    "Burgundy", "Sand", "Teal", "Coral", "Graphite", "Oatmeal", "Cobalt", "Blush", "Olive",
    "Midnight"};

constexpr std::array<const char*, 20> adjectives = {
    "Compact", "Foldable", "Lightweight", "Heavy-Duty", "Classic", "Modern", "Rustic",
    "Minimalist", "Ergonomic", "Adjustable", "Waterproof", "Insulated", "Handmade", "Vintage",
    "Stackable", "Portable", "Slimline", "Oversized", "Brushed", "Quilted"};

// Features any item may have, besides its category's own.
constexpr std::array<const char*, 6> common_features = {
    "a two-year warranty", "a lifetime repair service", "a recycled cardboard box",
    "spare parts available for ten years", "a thirty-day trial", "free returns"};

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

// What an item is, drawn first from its stream (the text draws from the rest).
struct item_facts {
  std::string brand;
  const category* cat;
  std::string material, colour, adjective, adjective2;
};

// One independent stream per item: item(i) does not depend on item(i - 1),
// so generation can be parallel or resumed.
seeded_random item_stream(uint64_t seed, uint64_t i) {
  seeded_random rng(seed ^ (0xD1B54A32D192ED03ull * (i + 1)));
  rng.next();
  return rng;
}

item_facts draw_facts(seeded_random& rng) {
  item_facts f;
  f.brand = std::string(pick(rng, brand_heads)) + pick(rng, brand_tails);
  f.cat = &pick(rng, categories);
  f.material = pick(rng, f.cat->materials);
  f.colour = pick(rng, colours);
  f.adjective = pick(rng, adjectives);
  f.adjective2 = pick(rng, adjectives);
  return f;
}

}  // namespace

beir_document catalogue_generator::item(uint64_t i) const {
  seeded_random rng = item_stream(seed_, i);
  const item_facts f = draw_facts(rng);
  const std::string& brand = f.brand;
  const category& cat = *f.cat;
  const std::string& material = f.material;
  const std::string& colour = f.colour;
  const std::string& adjective = f.adjective;
  const std::string& adjective2 = f.adjective2;

  beir_document doc;
  char id[16];
  std::snprintf(id, sizeof id, "p%07llu", static_cast<unsigned long long>(i));
  doc.id = id;
  doc.title = brand + " " + adjective + " " + material + " " + cat.name;
  if (rng.chance(0.4)) doc.title += ", " + colour;

  const std::string item_name = lower(adjective) + " " + lower(cat.name);
  std::string text = format(pick(rng, openers), pick(rng, cat.uses), item_name);
  // Two different features of the category.
  const uint64_t f1 = rng.below(cat.features.size());
  const uint64_t f2 = (f1 + 1 + rng.below(cat.features.size() - 1)) % cat.features.size();
  text += " Made from " + lower(material) + " in " + lower(colour) + ", with " +
          cat.features[f1] + " and " + cat.features[f2] + ".";
  const uint64_t extra = rng.below(3);
  for (uint64_t k = 0; k < extra; ++k) {
    text += " " + std::string(k == 0 ? "It is " : "Also ") + lower(adjective2) + " enough for " +
            pick(rng, cat.uses) + ", and comes with " + pick(rng, common_features) + ".";
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

catalogue_query catalogue_generator::query(uint64_t j, uint64_t item_count) const {
  // A stream of its own per query, apart from the items' streams.
  seeded_random rng(seed_ ^ (0x9E6C63D0676A9A99ull * (j + 1)) ^ 0x5851F42D4C957F2Dull);
  rng.next();
  const uint64_t target = rng.below(item_count);
  const bool with_colour = rng.chance(0.3);
  seeded_random item_rng = item_stream(seed_, target);
  const item_facts f = draw_facts(item_rng);

  catalogue_query q;
  char id[16];
  std::snprintf(id, sizeof id, "q%07llu", static_cast<unsigned long long>(j));
  q.query.id = id;
  // What a shopper types: the brand, the material and the kind of thing.
  q.query.text = lower(f.brand) + " " + lower(f.material) + " " + lower(f.cat->name);
  if (with_colour) q.query.text += " " + lower(f.colour);
  char item_id[16];
  std::snprintf(item_id, sizeof item_id, "p%07llu", static_cast<unsigned long long>(target));
  q.relevant_id = item_id;
  return q;
}

std::string catalogue_generator::to_query_line(const beir_query& q) {
  return nlohmann::json{{"_id", q.id}, {"text", q.text}}.dump();
}

std::string catalogue_generator::to_json_line(const beir_document& doc) {
  nlohmann::json line = {{"_id", doc.id}, {"title", doc.title}, {"text", doc.text}};
  if (!doc.metadata_json.empty()) line["metadata"] = nlohmann::json::parse(doc.metadata_json);
  return line.dump();
}

}  // namespace winnow::app
