from byocni_lint.cli import main

main()
