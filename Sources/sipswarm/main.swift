import TOMLKit
print("sipswarm")
