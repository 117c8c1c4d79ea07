$ipis0 << EOD
2 2.93
4 8.79
8 20.51
EOD
$time0 << EOD
1 15800
2 16441
4 17622
8 10337
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 13.67
EOD
$time1 << EOD
1 12656
2 13249
4 13591
8 10817
EOD
$ipis2 << EOD
2 981.45
4 3018.55
8 7059.57
EOD
$time2 << EOD
1 18299
2 53921
4 168487
8 698362
EOD
$ipis3 << EOD
2 984.38
4 3000
8 6999.02
EOD
$time3 << EOD
1 51790
2 89415
4 211212
8 640658
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 8454
2 15830
4 8989
8 6280
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "6.1.0-57-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "6.1.0-57-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
