import unittest


class Thermostat:
    def __init__(self, target=20.0, hysteresis=0.5):
        self.target = target
        self.hysteresis = hysteresis
        self.heating = False

    def update(self, reading):
        if reading < self.target - self.hysteresis:
            self.heating = True
        elif reading > self.target + self.hysteresis:
            self.heating = False
        return self.heating


class ThermostatTest(unittest.TestCase):
    def setUp(self):
        self.t = Thermostat(target=20.0, hysteresis=0.5)

    def test_turns_on_when_cold(self):
        self.assertTrue(self.t.update(19.0))

    def test_stays_on_inside_band(self):
        self.t.update(19.0)
        self.assertTrue(self.t.update(20.3))

    def test_turns_off_when_warm(self):
        self.t.update(19.0)
        self.assertFalse(self.t.update(20.6))

    def test_exact_boundary_does_not_switch(self):
        self.assertFalse(self.t.update(19.5))


if __name__ == "__main__":
    unittest.main()
