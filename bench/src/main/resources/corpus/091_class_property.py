class Rectangle:
    def __init__(self, width, height):
        self.width = width
        self.height = height

    @property
    def width(self):
        return self._width

    @width.setter
    def width(self, value):
        if value <= 0:
            raise ValueError("width must be positive")
        self._width = value

    @property
    def area(self):
        return self.width * self.height

    def scale(self, factor):
        return Rectangle(self.width * factor, self.height * factor)


r = Rectangle(3, 4)
assert r.area == 12
assert r.scale(2).area == 48
print("area ok")
try:
    Rectangle(0, 5)
except ValueError:
    print("zero width rejected")
try:
    Rectangle(5, -1)
except ValueError:
    print("negative height rejected")
else:
    raise AssertionError("negative height accepted")
