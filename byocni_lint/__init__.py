"""byocni-lint: catch AKS bring-your-own-CNI deployment mistakes before they reach Azure."""

__version__ = "0.1.0"
