SMALL_WORDS = {"a", "an", "the", "of", "in", "on", "and", "or", "to"}


def title_case(s):
    words = s.split()
    out = []
    for i, w in enumerate(words):
        if i > 0 and w.lower() in SMALL_WORDS:
            out.append(w.lower())
        else:
            out.append(w.capitalize())
    return " ".join(out)


assert title_case("the lord of the rings") == "The Lord of the Rings"
print("case 1 ok")
assert title_case("a tale OF two cities") == "A Tale of Two Cities"
print("case 2 ok")
assert title_case("war and peace") == "War and Peace"
print("case 3 ok")
assert title_case("gone with the wind") == "Gone With the Wind"
print("case 4 ok")
assert title_case("lord of the flies") == "Lord of the Flies"
print("case 5 ok")
assert title_case("what the world is made of") == "What the World Is Made Of", title_case("what the world is made of")
print("case 6 ok")
