// Rating: customer and provider rate decks, exact money, longest-prefix match and LCR scoring (issue 5).
