from byocni_lint.entry import main

main()
