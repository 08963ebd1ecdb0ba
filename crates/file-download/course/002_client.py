# The course's first file-download client (notes 002, 案例:文件下载器), kept as the course
# writes it, flaws included: `send` whose return value is not checked, the local file
# created before the server has answered (a missing file leaves an empty one), and a
# transfer cut halfway saved as if it were whole. Changed, so that tests can run it on
# any machine:
# - it connects to 127.0.0.1 on the port given as its first argument
#   (`python3 002_client.py PORT`), instead of a fixed 8080;
# - it saves into the current directory instead of C:/Users/Poplar/Desktop/.
# The file name is still read with input(), as in the course.
"""
一个文件下载器的客户端，将服务器的指定文件下载到桌面
./1.txt -> C:/Users/Poplar/Desktop/1.txt

1. 导入依赖
2. 创建TCP socket
3. 连接TCP服务器
4. 接收用户输入的文件名
5. 将文件名发送给服务器
6. 在本地创建同名的文件，等待接收文件数据
7. 循环接收并写入文件数据
8. 关闭TCP socket
"""

# 1. 导入依赖
import sys
from socket import *

# 2. 创建TCP socket
tcp_socket = socket(AF_INET, SOCK_STREAM)

# 3. 连接TCP服务器
tcp_socket.connect(("127.0.0.1", int(sys.argv[1])))

# 4. 接收用户输入的文件名
filename = input("请输入要下载的文件名:\n")

# 5. 将文件名发送给服务器
tcp_socket.send(filename.encode())

# 6. 在本地创建同名的文件，等待接收文件数据
filepath = "./" + filename
with open(filepath, "wb") as f:
    while True:
        # 7. 循环接收并写入文件数据
        recv_data = tcp_socket.recv(4096)
        if recv_data:
            f.write(recv_data)
        else:
            print("文件写入完毕:", filepath)
            break

# 8. 关闭TCP socket
tcp_socket.close()
