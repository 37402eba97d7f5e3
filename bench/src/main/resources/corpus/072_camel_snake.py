import re


def camel_to_snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def snake_to_camel(name):
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


assert camel_to_snake("camelCase") == "camel_case"
assert camel_to_snake("HTTPServer") == "http_server", camel_to_snake("HTTPServer")
assert snake_to_camel("snake_case_name") == "snakeCaseName"
print("conversions ok")
