import Notebook
print("nbrun skeleton")
