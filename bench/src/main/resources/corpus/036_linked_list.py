class Node:
    def __init__(self, value, next=None):
        self.value = value
        self.next = next


class LinkedList:
    def __init__(self, values=()):
        self.head = None
        for v in reversed(list(values)):
            self.head = Node(v, self.head)

    def to_list(self):
        out, node = [], self.head
        while node:
            out.append(node.value)
            node = node.next
        return out

    def reverse(self):
        prev, node = None, self.head
        while node:
            node.next, prev, node = prev, node, node.next
        self.head = prev

    def remove(self, value):
        node = self.head
        if node and node.value == value:
            self.head = node.next
            return True
        while node.next:
            if node.next.value == value:
                node.next = node.next.next
                return True
            node = node.next
        return False


ll = LinkedList([1, 2, 3, 4])
assert ll.to_list() == [1, 2, 3, 4]
ll.reverse()
assert ll.to_list() == [4, 3, 2, 1]
print("reverse ok")
assert ll.remove(3) and ll.to_list() == [4, 2, 1]
assert ll.remove(4) and ll.to_list() == [2, 1]
assert not ll.remove(99)
print("remove ok")
empty = LinkedList()
assert not empty.remove(1)
print("remove from empty ok")
