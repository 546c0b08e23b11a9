from ipbes_kg.cli import main

main()
