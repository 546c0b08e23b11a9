from ipbes_kg.launch import main

main()
