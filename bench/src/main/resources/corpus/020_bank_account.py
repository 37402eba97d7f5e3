class InsufficientFunds(Exception):
    pass


class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = []

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))

    def withdraw(self, amount):
        if amount > self.balance:
            raise InsufficientFunds(f"{self.owner}: balance {self.balance} < {amount}")
        self.balance -= amount
        self.history.append(("withdraw", amount))

    def transfer(self, other, amount):
        self.withdraw(amount)
        other.deposit(amount)


alice = Account("alice", 100)
bob = Account("bob")
alice.transfer(bob, 30)
assert alice.balance == 70 and bob.balance == 30
print("transfer ok")

bob.withdraw(30)
assert bob.balance == 0
print("withdraw to zero ok")

# monthly fees: alice pays 3 fees of 25
for month in ("jan", "feb", "mar"):
    alice.withdraw(25)
    print("fee charged for", month, "balance", alice.balance)
print("final balance", alice.balance)
