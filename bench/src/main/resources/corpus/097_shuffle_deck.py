import random

SUITS = "SHDC"
RANKS = "23456789TJQKA"


def new_deck():
    return [r + s for s in SUITS for r in RANKS]


def deal(deck, hands, cards_each):
    return [deck[i::hands][:cards_each] for i in range(hands)]


rng = random.Random(1234)
deck = new_deck()
assert len(deck) == 52 and len(set(deck)) == 52
rng.shuffle(deck)
hands = deal(deck, 4, 5)
for i, h in enumerate(hands):
    print(f"player {i + 1}: {' '.join(h)}")
flat = [c for h in hands for c in h]
assert len(flat) == 20 and len(set(flat)) == 20
assert hands[0][0] == deck[0] and hands[1][0] == deck[1]
print("deal ok")
